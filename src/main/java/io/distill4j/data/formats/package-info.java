/**
 * The list of dataset formats ({@link io.distill4j.data.formats.DatasetFormats#ALL}): the one place
 * that knows every {@link io.distill4j.data.DatasetFormat} implementation, above {@code data} and the
 * dataset packages so that {@code data} depends on none of them.
 */
package io.distill4j.data.formats;
