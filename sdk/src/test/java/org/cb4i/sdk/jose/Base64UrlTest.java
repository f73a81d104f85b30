package org.cb4i.sdk.jose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** [JOS-1]: base64url as cb4i reads it, canonical and unpadded only. */
class Base64UrlTest {
    @Test
    void base64Url_refusesNonCanonicalForms() {
        assertThat(Base64Url.decodeOrNull("AQ")).containsExactly(1);
        assertThat(Base64Url.decodeOrNull("AR")).as("non-zero trailing bits").isNull();
        assertThat(Base64Url.decodeOrNull("AQ==")).as("padding").isNull();
        assertThat(Base64Url.decodeOrNull("a+b/")).as("standard alphabet").isNull();
        assertThat(Base64Url.decodeOrNull("A")).isNull();
        assertThat(Base64Url.decodeOrNull("AQ\n")).isNull();
    }
}
