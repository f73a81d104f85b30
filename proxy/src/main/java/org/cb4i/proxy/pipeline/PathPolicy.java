package org.cb4i.proxy.pipeline;

import java.util.EnumSet;
import java.util.List;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.httpsig.SignaturePolicy;

/**
 * The site's policy by path ([ENF-1]): the rule with the longest matching pattern wins; a path no rule matches is
 * {@code open}. Immutable.
 */
public final class PathPolicy {
    static final ProxyConfig.PathRule DEFAULT_OPEN = new ProxyConfig.PathRule(null, ProxyConfig.Access.OPEN,
            EnumSet.noneOf(org.cb4i.sdk.terms.Usage.class), SignaturePolicy.REUSABLE);

    private final List<ProxyConfig.PathRule> rules;

    public PathPolicy(List<ProxyConfig.PathRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rule for a canonical path and query. */
    public ProxyConfig.PathRule match(String pathAndQuery) {
        ProxyConfig.PathRule best = DEFAULT_OPEN;
        int bestLen = -1;
        for (ProxyConfig.PathRule r : rules) {
            int len = r.match().specificity();
            if (len > bestLen && r.match().matches(pathAndQuery)) {
                best = r;
                bestLen = len;
            }
        }
        return best;
    }
}
