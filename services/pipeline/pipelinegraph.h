// The order steps run in: explicit `needs`, the declared stage order, the listed order, and
// steps that run last.
#pragma once

#include "pipeline/pipeline.h"

#include <QList>

namespace launchdeck {

// For every step, the indexes of the steps it waits for:
//  - its `needs` when it has the key, so `needs: []` starts it at once;
//  - otherwise, when its stage is one of the pipeline's declared `stages`, every step of an
//    earlier stage (steps of one stage run side by side);
//  - otherwise the nearest step listed before it that is neither a final step nor one that
//    waits for it through `needs`: listed steps run one after another, as in every CI tool, and
//    a failure stops the ones after it;
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
