/**
 * COCO instances: a streaming reader of {@code instances_*.json}, the value types it produces,
 * RLE and polygon rasterisation, and the walker that lists a split as source samples.
 */
package io.distill4j.data.coco;
