/** What a valuation prints: a text table, JSON, a self-contained HTML page with a bar chart, and the allocation weights. */
package org.cb4i.valuation.report;
