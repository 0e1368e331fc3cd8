/**
 * Cityscapes: its {@link io.distill4j.data.cityscapes.CityscapesFormat}, the labelId to trainId table
 * and the walker that pairs each {@code leftImg8bit} image with its {@code gtFine_labelIds} label map.
 */
package io.distill4j.data.cityscapes;
