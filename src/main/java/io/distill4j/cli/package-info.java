/**
 * The command line: {@link io.distill4j.cli.Main} runs {@code jobs/distill4j SUBCOMMAND} through
 * picocli ({@link io.distill4j.cli.Cli}), one command object per stage sharing
 * {@link io.distill4j.cli.ConfigOptions}; errors become one line naming the key, file or sample.
 */
package io.distill4j.cli;
