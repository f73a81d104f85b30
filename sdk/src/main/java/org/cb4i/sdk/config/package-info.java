/**
 * YAML configuration files read strictly: every error names the file, line and field, unknown keys are refused with
 * a suggestion. Entry point: {@link org.cb4i.sdk.config.YamlConfig}; errors are {@link org.cb4i.sdk.config.ConfigException}.
 */
package org.cb4i.sdk.config;
