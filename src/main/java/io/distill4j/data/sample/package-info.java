/**
 * A generator of small, learnable datasets written in the exact Cityscapes and COCO layouts, so the
 * whole pipeline runs on a laptop with the same readers it uses on the real data.
 */
package io.distill4j.data.sample;
