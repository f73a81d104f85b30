/**
 * The cooperative game the estimators value: players (groups of texts) and a utility of each coalition of them. Any
 * model can be plugged in as a {@link org.cb4i.valuation.game.Utility}; the estimators need nothing else.
 */
package org.cb4i.valuation.game;
