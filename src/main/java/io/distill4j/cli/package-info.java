/**
 * The command line: {@link io.distill4j.cli.Main} dispatches {@code jobs/distill4j SUBCOMMAND}
 * to one {@link io.distill4j.cli.Command} per stage; errors become one line naming the key, file or
 * sample.
 */
package io.distill4j.cli;
