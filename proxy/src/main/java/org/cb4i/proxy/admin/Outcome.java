package org.cb4i.proxy.admin;

/** How a request was decided, for metrics and the access log (a closed vocabulary). */
public enum Outcome {
    /** A path whose policy is open. */
    OPEN,
    /** A licensed path, passed as a human (no license, no signature, no AI user agent). */
    HUMAN,
    /** A licensed request: license, signature, status, scope and quota all held. */
    LICENSED,
    /** Answered by the proxy itself (robots.txt, license.xml, /.well-known/…). */
    DISCOVERY,
    /** Refused, with a reason. */
    DENIED
}
