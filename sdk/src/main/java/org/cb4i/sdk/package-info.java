/**
 * The cb4i SDK: the library every other module builds on, with no server and no Vert.x in it (SPEC.md is its
 * contract). Its front door for each job is named in {@code sdk/README.md}. This package holds what every part shares:
 * the one exception family ({@link org.cb4i.sdk.MalformedInputException} for input that cannot be read,
 * {@link org.cb4i.sdk.RejectedException} for input that is read and refused, {@link org.cb4i.sdk.InfrastructureException}
 * for a failure of what was relied on), each carrying a stable {@link org.cb4i.sdk.Reason} (the registry of SPEC.md
 * §0.4), and {@link org.cb4i.sdk.CacheCounters}.
 */
package org.cb4i.sdk;
