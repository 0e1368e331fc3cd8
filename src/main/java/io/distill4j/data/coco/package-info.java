/**
 * COCO instances: a streaming reader of {@code instances_*.json}, the value types it produces,
 * RLE and polygon rasterisation, the walker that lists a split as source samples, and its
 * {@link io.distill4j.data.coco.CocoFormat}.
 */
package io.distill4j.data.coco;
