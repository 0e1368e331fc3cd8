/**
 * The pure data layer of the shard job: a source sample as listed from a dataset layout
 * ({@link io.distill4j.data.SourceSample}, with one kind of {@link io.distill4j.data.SourceLabels}), its decoded and resized training form
 * ({@link io.distill4j.data.ShardRecord}, labelled with one kind of
 * {@link io.distill4j.data.SampleLabels}), the decoder between them ({@link io.distill4j.data.SampleDecoder})
 * and the image operations it uses ({@link io.distill4j.data.ImageOps}); what differs per dataset is a
 * {@link io.distill4j.data.DatasetFormat}, implemented in the dataset's own package. No Spark here: every file is
 * read and written through Hadoop {@code FileSystem}, so file://, hdfs:// and s3a:// behave alike.
 */
package io.distill4j.data;
