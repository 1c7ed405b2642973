// The order steps run in: explicit `needs`, the declared stage order, and steps that run last.
#pragma once

#include "pipeline/pipeline.h"

#include <QList>

namespace launchdeck {

// For every step, the indexes of the steps it waits for:
//  - its `needs` when it has any;
//  - otherwise, when the pipeline declares `stages`, every step of an earlier stage;
//  - a step with `when: on_failure` or `always` and no `needs` waits for every step that is not
//    itself such a final step, so clean-up and notification steps see the whole run.
QList<QList<int>> effectiveDependencies(const Pipeline& pipeline);

// True for a step that runs after all others (see above).
bool isFinalStep(const PipelineStep& step);

// A cycle as a path of step indexes whose first and last entries are equal; empty when acyclic.
QList<int> findCycle(const QList<QList<int>>& dependencies);

// Every step `index` depends on, directly or through others.
QList<int> ancestors(const QList<QList<int>>& dependencies, int index);

} // namespace launchdeck
