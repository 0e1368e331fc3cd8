/**
 * Hadoop FileSystem plumbing shared by every stage: path resolution, the serializable Hadoop
 * settings executors need, {@code _manifest.json}, atomic commit of stage outputs, and the rules
 * that keep a stage from destroying what is not its own (ownership marker, output lock, reader
 * leases, leftover cleanup, outputs kept apart from inputs).
 */
package io.distill4j.storage;
