/**
 * Helpers on ONNX's protobuf classes (nd4j-api's {@code onnx.Onnx}) shared by the code that reads
 * ONNX files' weights ({@code model.TorchvisionWeights}) and the exporter ({@code onnx.export}),
 * kept apart from the ONNX Runtime side so that the model builders do not depend on it.
 */
package io.distill4j.onnx.proto;
