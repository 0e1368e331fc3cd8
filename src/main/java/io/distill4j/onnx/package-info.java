/**
 * ONNX models run by ONNX Runtime: a teacher brought from PyTorch (or any exporter) for
 * cache-teacher, the online teacher of distill and evaluate, and ONNX students for evaluate. Holds
 * the input preprocessing and output map a file needs, the distill4j metadata convention that can
 * carry them inside the file, the start-up checks of a file against them, one session per executor
 * JVM, and batched inference. docs/onnx-teacher.md describes the whole path.
 */
package io.distill4j.onnx;
