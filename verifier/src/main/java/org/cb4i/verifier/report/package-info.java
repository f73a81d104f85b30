/**
 * The verification reports: text ({@link org.cb4i.verifier.report.TextReport}), JSON
 * ({@link org.cb4i.verifier.report.JsonReport}), a self-contained HTML page ({@link org.cb4i.verifier.report.HtmlReport})
 * and the Croissant 1.1 export of the verified provenance ({@link org.cb4i.verifier.report.Croissant}).
 */
package org.cb4i.verifier.report;
