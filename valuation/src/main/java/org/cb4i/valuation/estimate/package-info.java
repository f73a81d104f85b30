/**
 * The estimators of each player's value in a {@link org.cb4i.valuation.game.Utility}: {@link
 * org.cb4i.valuation.estimate.LeaveOneOut}, {@link org.cb4i.valuation.estimate.TmcShapley} (Ghorbani and Zou 2019),
 * {@link org.cb4i.valuation.estimate.DataBanzhaf} with maximum-sample-reuse (Wang and Jia 2023) and {@link
 * org.cb4i.valuation.estimate.ExactShapley} by enumeration. The sampling estimators are seeded: sample {@code k} is
 * drawn from the seed and {@code k} alone and the samples are summed in their order, so the same inputs and seed give
 * the same numbers on any number of threads.
 */
package org.cb4i.valuation.estimate;
