/**
 * The collective's public notices (SPEC.md §18): each strike, resumption, termination and removal, signed
 * ({@code notice+jwt}) and listed in a JSON Feed.
 */
package org.cb4i.sdk.notice;
