/**
 * COCO bounding-box evaluation by pycocotools' COCOeval rules: ground-truth and results JSON
 * readers/writers, the evaluator, the twelve summary numbers and the {@code coco-eval} command.
 */
package io.distill4j.eval.coco;
