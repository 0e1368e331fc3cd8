/**
 * Typed configuration: reference.conf plus an experiment file plus overrides, parsed once by
 * {@link io.distill4j.config.ConfigLoader} into immutable records ({@link io.distill4j.config.Distill4jConfig}
 * and one record per stage). Validation errors name the key and the file the value came from.
 */
package io.distill4j.config;
