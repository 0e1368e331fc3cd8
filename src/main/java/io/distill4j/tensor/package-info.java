/**
 * Tensor codecs of the teacher-output cache: how one sample's teacher output, a float tensor of shape
 * {@code {C, H, W}} in CHW order, becomes the {@code codec}, {@code shape}, {@code data}, {@code scale}
 * and {@code topk_idx} columns of a cache row ({@link io.distill4j.tensor.EncodedTensor}), and back.
 * Pure Java, no ND4J: the same code runs in the cache job's executors and in the trainer.
 *
 * <p>{@link io.distill4j.tensor.TensorCodecs#forSpec} turns a spec ({@code fp32}, {@code fp16},
 * {@code int8}, {@code topk:K}) into a {@link io.distill4j.tensor.TensorCodec}; a codec's name is its
 * spec, so the {@code codec} column alone picks the decoder.
 *
 * <p>Byte layouts (the full contract, with a numpy reader, is docs/cache-format.md). All multi-byte
 * numbers are little-endian; "CHW order" puts element (c, h, w) at {@code c*H*W + h*W + w}.
 * <ul>
 *   <li>{@code fp32}: {@code data} = C*H*W float32, CHW order.</li>
 *   <li>{@code fp16}: {@code data} = C*H*W IEEE binary16, CHW order, rounded to nearest even
 *       ({@link io.distill4j.tensor.Half}).</li>
 *   <li>{@code int8}: {@code scale[c] = max|x_c| / 127} (0 for an all-zero channel);
 *       {@code data} = C*H*W signed bytes {@code round(x / scale[c])}, ties away from zero, CHW order;
 *       decoded as {@code q * scale[c]}.</li>
 *   <li>{@code topk:K}: {@code data} = binary16 planes of shape (K+1, H, W): plane j &lt; K is the
 *       rank-j logit of each pixel (descending; lower channel first among ties), plane K the rest value
 *       r = log-mean-exp of the C-K dropped logits; {@code topk_idx} = planes (K, H, W) of channel
 *       indices, uint8 when C &lt;= 256, else uint16. Decoding fills dropped channels with r, which
 *       keeps the tail's softmax mass exact at temperature 1 ({@link io.distill4j.tensor.TopKCodec}).</li>
 * </ul>
 *
 * <p>{@link io.distill4j.tensor.CodecReport} and {@link io.distill4j.tensor.ChannelSoftmaxKl} measure a
 * codec's size and error on a tensor; {@code io.distill4j.bench.CodecBench} (src/bench, not shipped) prints them for
 * synthetic teacher outputs together with encode/decode throughput.
 */
package io.distill4j.tensor;
