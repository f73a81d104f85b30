/**
 * Member consent (SPEC.md §16): the signed document that says what a member opted out of ({@link ConsentDocument},
 * [CNS-1], [CNS-2]), and the member's own signed change ({@link ConsentRequest}, [CNS-6]).
 */
package org.cb4i.sdk.consent;
