/**
 * The {@code cb4i} command (picocli): one subcommand per job, exit codes 0 ok, 1 refused or failed verification, 2 bad
 * usage or unreadable input. Entry point: {@link org.cb4i.cli.Main}.
 */
package org.cb4i.cli;
