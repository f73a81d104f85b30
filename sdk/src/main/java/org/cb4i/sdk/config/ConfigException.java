package org.cb4i.sdk.config;

/**
 * A configuration that cannot be used, with the file, the line and the field: {@code proxy.yaml:12: paths[1].access:
 * expected open, licensed or deny; found "public"}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
