/**
 * The console served by the issuer at {@code /console/}: members sign in with a passkey registered from a one-time
 * invite, see what was fetched from them and their statements, set their consent and vote; operators sign in with the
 * admin token from loopback, invite members and switch a strike. {@link org.cb4i.issuer.console.Console} routes and
 * renders the members' pages (templates in {@code src/main/jte/console}), {@link org.cb4i.issuer.console.Operators} the
 * operators', {@link org.cb4i.issuer.console.Passkeys} runs the WebAuthn ceremonies (WebAuthn4J), {@link
 * org.cb4i.issuer.console.Sessions} keeps sessions and their CSRF tokens.
 */
package org.cb4i.issuer.console;
