/**
 * The one Jackson configuration of cb4i: strict reading (duplicate members, trailing data, bad UTF-8 and deep
 * nesting refused) and compact writing. Entry point: {@link org.cb4i.sdk.json.Json}.
 */
package org.cb4i.sdk.json;
