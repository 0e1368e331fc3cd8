/**
 * The distillation methods: one {@link io.distill4j.method.DistillMethod} per term kind owns its
 * option keys and their validation, the tasks it supports, how its output is wired into the student
 * graph, the layout of its labels and the driver round it needs between epochs. The list of methods
 * is {@code config.DistillTerm.Kind}; docs/methods.md describes each one.
 */
package io.distill4j.method;
