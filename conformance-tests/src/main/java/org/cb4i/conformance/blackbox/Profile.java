package org.cb4i.conformance.blackbox;

/**
 * The conformance profile: how a proxy under test must be set up so that the black-box suite can check it from
 * outside. It is all a third-party implementation must expose: a listener, a policy, trust in one collective key,
 * and an origin the suite controls. Nothing inside the proxy is inspected.
 */
public final class Profile {
    private Profile() {}

    /** The collective whose licenses the proxy trusts; its key is {@code collective.jwks.json} (a published fixture). */
    public static final String ISSUER_ID = "https://collective.conformance.example";
    /** The token endpoint the proxy names in its 402 offer. */
    public static final String TOKEN_ENDPOINT = ISSUER_ID + "/token";
    /** The site's public origin (license {@code paths} name it). */
    public static final String PUBLISHER = "https://publisher.conformance.example";
    /** The member's consent ([CNS-1]) the suite's collective serves at {@code /consent}: works withheld by path. */
    public static final String WITHHELD = "/licensed/withheld/";
    /** An agreement the member opted out of (licenses naming it in {@code agreement.uri} are refused). */
    public static final String LEFT_AGREEMENT = ISSUER_ID + "/agreements/left";
    /** A usage the member opted out of: no path requires it, but {@code /ai-all/*} requires {@code ai-all}, which covers it. */
    public static final String OPTED_OUT_USAGE = "ai-index";
    /** The open offer the suite's collective publishes ([OFR-1]): ai-train at this price per request. */
    public static final String OFFER_ID = "conformance-offer";
    public static final String OFFER_PER_REQUEST = "0.005";

    /** The consent document's ttl: how soon the proxy must take a change. */
    public static final int CONSENT_TTL_SECONDS = 2;

    /** How long the slow origin path takes to answer; the proxy's origin response timeout must be shorter. */
    public static final int SLOW_ORIGIN_MS = 8000;
    /** The longest origin response timeout the profile allows. */
    public static final int MAX_ORIGIN_TIMEOUT_MS = 4000;
    /** The longest a client may take to send its first request's header section before the proxy closes it ([ENF-5]). */
    public static final int HEADER_TIMEOUT_SECONDS = 5;

    /** What a third-party proxy must be configured with, in words (printed by {@code --profile}). */
    public static String describe(String origin, String collective) {
        return """
                cb4i conformance profile 1

                Configure the proxy under test with:
                  origin (where it forwards):     http://%s   (the suite's controlled origin; the suite starts it)
                  publisher (its public origin):  %s
                  trusted collective:             id %s
                                                  keys: the JWKS printed by --jwks (also served at http://%s/jwks)
                                                  token endpoint (named in 402 offers): %s
                  accepted repertoires (aud):     the collective's id
                  status lists:                   fetched from http://%s/status/... (plain http on loopback allowed)
                  member consent:                 fetched from http://%s/consent (SPEC.md §16), asked with the member's
                                                  key printed by --member-key (a published test fixture)
                  the collective's notices:       http://%s/notices (SPEC.md §18), linked from suspensions
                  the collective's offers:        http://%s/offers (SPEC.md §19), listed in the 402 offer and priced in RSL
                  policy (longest match wins; anything else is open):
                    /open/*             open
                    /open/private/*     deny
                    /deny/*             deny
                    /licensed/*         licensed, usages [ai-train], signature reusable
                    /per-request/*      licensed, usages [ai-train], signature per-request
                    /search/*           licensed, usages [search],   signature reusable
                    /ai-all/*           licensed, usages [ai-all],   signature reusable
                  limits:                         request line and header section at most 32 KiB each,
                                                  request body at most 64 MiB; a first request's header section
                                                  within %d s (slower clients closed), at least 600 connections at once
                  origin response timeout:        at most %d ms (the slow path answers after %d ms)
                  credentials forwarded:          no; trusted forwarders: none
                  receipts log:                   a checkpoint at least every 2 seconds
                  HTTP/2:                         cleartext h2c with prior knowledge on the same listener (the HTTP/2
                                                  checks send raw frames), at most 1000 concurrent streams
                """.formatted(origin, PUBLISHER, ISSUER_ID, collective, TOKEN_ENDPOINT, collective, collective, collective, collective,
                HEADER_TIMEOUT_SECONDS, MAX_ORIGIN_TIMEOUT_MS,
                SLOW_ORIGIN_MS);
    }

    /**
     * The same profile as a configuration of cb4i's own proxy.
     *
     * @param collective where the suite's collective is ({@code host:port})
     * @param memberKeyFile the member's key file, as {@code --member-key} prints it
     */
    public static String cb4iConfig(String listen, String origin, String collective, String jwksFile, String memberKeyFile, String logDir) {
        return """
                listen: %s
                origin: http://%s
                publisher: %s
                issuers:
                  - id: %s
                    jwks: file:%s
                    token_endpoint: %s
                    consent: {url: http://%s/consent, key: %s}
                    notices: http://%s/notices
                    offers: http://%s/offers
                paths:
                  - match: /open/*
                    access: open
                  - match: /open/private/*
                    access: deny
                  - match: /deny/*
                    access: deny
                  - match: /licensed/*
                    access: licensed
                    usages: [ai-train]
                  - match: /per-request/*
                    access: licensed
                    usages: [ai-train]
                    signature: per-request
                  - match: /search/*
                    access: licensed
                    usages: [search]
                  - match: /ai-all/*
                    access: licensed
                    usages: [ai-all]
                log:
                  dir: %s
                  checkpoint_interval: 1s
                  checkpoint_entries: 1000
                access_log: off
                http2:
                  cleartext: true
                allow_plain_http: true
                allow_private_addresses: true
                origin_timeouts:
                  connect: 1s
                  response: 3s
                limits:
                  header_timeout: %ds
                """.formatted(listen, origin, PUBLISHER, ISSUER_ID, jwksFile, TOKEN_ENDPOINT, collective, memberKeyFile, collective, collective, logDir,
                HEADER_TIMEOUT_SECONDS);
    }
}
