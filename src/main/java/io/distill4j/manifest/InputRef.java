package io.distill4j.manifest;

/**
 * One stage output another stage read: where it was and the fingerprint of its content (shards:
 * their content fingerprint; teacher: the teacher fingerprint; cache: the teacher fingerprint it
 * was computed with).
 */
public record InputRef(String path, String fingerprint) {}
