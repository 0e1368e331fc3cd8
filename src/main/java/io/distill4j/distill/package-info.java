/**
 * Distillation losses as stateless DL4J {@code ILossFunction}s, exactly as docs/methods.md
 * defines them: {@link io.distill4j.distill.PixelKdLoss} (pixel-wise and classification KD,
 * deep mutual learning), {@link io.distill4j.distill.ChannelWiseDistillationLoss} (CWD),
 * {@link io.distill4j.distill.AttentionTransferLoss} (AT), {@link io.distill4j.distill.FspLoss},
 * {@link io.distill4j.distill.PairwiseSimilarityLoss} and {@link io.distill4j.distill.SigmoidKdLoss}
 * (heatmap KD); {@code io.distill4j.bench.LossBench} (src/bench, not shipped) times them on realistic maps.
 * {@link io.distill4j.distill.HolisticCritic} (plain doubles, no DL4J) is the WGAN-GP critic of holistic
 * distillation (Liu et al. 2019) with a hand-derived gradient-penalty gradient, trained on the driver
 * by {@link io.distill4j.distill.CriticAdam}.
 *
 * <h2>Wiring</h2>
 * Each loss sits on a {@code LossLayer} with IDENTITY activation fed through
 * {@code CnnToFeedForwardPreProcessor(H, W, C)}, which flattens an NCHW map in c order of [C, H, W]
 * per example (M2 source: a plain {@code reshape('c', N, C*H*W)}; its backprop reshapes back the
 * same way). The loss knows C, H, W from its own JSON fields. Labels are the teacher tensors flattened
 * the same way and may be wider or narrower than the output (a mask after the logits, a teacher with
 * another channel count, an FSP matrix): DL4J's {@code LossLayer} passes labels through unchecked,
 * and {@code LossGraphWiringTest} fits such a graph. Extra-column layouts are in each class comment.
 * Configurations survive {@code toJson}/{@code fromJson} (shaded Jackson {@code @JsonProperty} fields
 * and a {@code @JsonCreator} constructor), which is how Spark ships them to executors.
 *
 * <h2>Normalisation convention (read in DL4J M2's source)</h2>
 * {@code LossLayer.computeScore} and {@code BaseOutputLayer.computeScore} call the loss with
 * {@code average=false} and divide by the minibatch size N themselves; {@code computeGradient}'s
 * result is backpropagated as is and {@code BaseMultiLayerUpdater#divideByMinibatch} divides the
 * parameter gradients by N. So every loss returns, per example, terms whose sum is {@code N * L}, and
 * the gradient of that sum; {@code computeScore(average=true)} is L. The trained objective and the
 * reported score are then exactly docs/methods.md's L, including batch-level denominators such as the
 * number of valid pixels |R| of the whole batch (pixel KD, segmentation CE, focal, masked L1: there
 * each example's row carries {@code N/|R|}, so rows are not per-example means). DL4J per-example
 * label masks are refused: masks travel in label columns. {@code LossTestSupport} checks both
 * identities, finite differences, and DL4J's {@code GradientCheckUtil} on a conv graph per loss.
 *
 * <h2>CrossKD (Wang et al. 2023): no new loss</h2>
 * In the student graph, the student head's intermediate features feed copies of the teacher's later
 * head layers wrapped as {@code FrozenVertex} (teacher weights, never updated); their output goes to
 * a {@code LossLayer} with {@link io.distill4j.distill.PixelKdLoss} (segmentation / softmax heads) or
 * {@link io.distill4j.distill.SigmoidKdLoss} (CenterNet heatmaps) whose labels are the cached teacher
 * logits of the same head, and regression outputs use {@code MaskedL1Loss} masked to foreground.
 * Gradients flow through the frozen layers into the student's head only.
 *
 * <h2>Deep mutual learning</h2>
 * Both students live in one graph (the peer's vertices prefixed) so DL4J's parameter averaging trains
 * them together; their logits are concatenated along channels into one
 * {@link io.distill4j.distill.MutualKdLoss} output, which applies {@link io.distill4j.distill.PixelKdLoss}
 * to each side with the other side as the detached teacher: KL(p_peer || p_self) per student, averaged
 * over valid pixels. Teacher-free, so nothing is cached.
 *
 * <h2>Mutual contrastive learning</h2>
 * {@link io.distill4j.distill.MutualContrastiveLoss} (MCL, Yang et al. 2022/2023) sits on a
 * {@code LossLayer} fed by a merge of both students' projection heads, [z_a | z_b] as [N, 2*D] with
 * no preprocessor; labels are an image id per row ([N, 1]) so an image and its flipped view are
 * positives wherever DL4J's batching puts them. It normalises the projections itself and returns
 * vanilla, interactive and soft contrastive terms; see docs/methods-mcl.md. For L-MCL with
 * meta-learned layer weights it carries {@link io.distill4j.distill.AnchorWeights} (Wq, Wk in plain
 * doubles, shipped in its JSON like the holistic critic) and weighs each anchor's rows by
 * alpha = sigmoid((Wq v_a).(Wk v_b)), detached in the backward pass.
 *
 * <h2>DarkRank: a cross-sample loss</h2>
 * {@link io.distill4j.distill.DarkRankLoss} (Chen et al. AAAI 2018) is the one loss whose terms mix
 * examples: each image of the minibatch ranks the others, so it needs DL4J's minibatch (the Spark
 * workers merge the one-example MultiDataSets to {@code batch-size-per-worker}); a minibatch of one
 * contributes 0. {@link io.distill4j.distill.PlackettLuce} holds the ranking probabilities it uses.
 * docs/methods-darkrank.md gives the formulas as implemented.
 *
 * <h2>Holistic distillation: a loss that carries a critic</h2>
 * {@link io.distill4j.distill.HolisticLoss} scores the student's class probabilities with a frozen
 * {@link io.distill4j.distill.HolisticCritic} whose parameters are fields of the loss, so the
 * configuration broadcast of parameter averaging ships each round's critic to the workers; the
 * critic itself is trained between epochs (io.distill4j.train.HolisticCriticRounds);
 * docs/methods-holistic.md.
 *
 * <h2>Channel counts</h2>
 * Pixel KD, CWD, sigmoid KD compare the same channels: when student and teacher differ, a 1x1
 * convolution adapter on the student (in the graph, not here) maps them. AT and pair-wise compare
 * spatial structure and take both channel counts; all need equal H, W (resize in the graph).
 */
package io.distill4j.distill;
