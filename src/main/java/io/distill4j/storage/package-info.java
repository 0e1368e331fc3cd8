/**
 * Hadoop FileSystem plumbing shared by every stage: path resolution, the serializable Hadoop
 * settings executors need, {@code _manifest.json}, and atomic commit of stage outputs.
 */
package io.distill4j.storage;
