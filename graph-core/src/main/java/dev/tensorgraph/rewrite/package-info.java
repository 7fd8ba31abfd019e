/**
 * Rewrites of the ops a plan runs ({@link dev.tensorgraph.rewrite.PlanPass} over a
 * {@link dev.tensorgraph.rewrite.RewriteGraph}), registered per device by runtime modules; the planner
 * applies them to a copy of the part of the user's graph a run needs.
 */
package dev.tensorgraph.rewrite;
