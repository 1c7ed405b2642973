// Dependency graph of a pipeline's steps: implicit edges, cycle search and ancestry.
#include "pipeline/pipelinegraph.h"

#include <functional>
#include <utility>

namespace launchdeck {

bool isFinalStep(const PipelineStep& step)
{
    return step.when != WhenCondition::OnSuccess && !step.needsDeclared;
}

namespace {

// True when `from` waits for `to`, directly or through other steps.
bool waitsFor(const QList<QList<int>>& dependencies, int from, int to)
{
    QList<bool> seen(dependencies.size(), false);
    QList<int> pending{from};
    while (!pending.isEmpty()) {
        const int next = pending.takeLast();
        if (next == to)
            return true;
        if (std::exchange(seen[next], true))
            continue;
        pending += dependencies[next];
    }
    return false;
}

} // namespace

QList<QList<int>> effectiveDependencies(const Pipeline& pipeline)
{
    const auto count = pipeline.steps.size();
    QList<QList<int>> dependencies(count);
    QList<int> listed; // steps that follow the listed order
    for (qsizetype i = 0; i < count; ++i) {
        const PipelineStep& step = pipeline.steps[i];
        QList<int>& out = dependencies[i];
        if (isFinalStep(step)) {
            for (qsizetype j = 0; j < count; ++j) {
                if (j != i && !isFinalStep(pipeline.steps[j]))
                    out.append(static_cast<int>(j));
            }
        } else if (step.needsDeclared) {
            for (const QString& need : step.needs) {
                const int j = pipeline.stepIndex(need);
                if (j >= 0 && !out.contains(j))
                    out.append(j);
            }
        } else if (const auto stage = pipeline.stages.indexOf(step.stage); stage >= 0) {
            for (qsizetype j = 0; j < count; ++j) {
                const auto other = pipeline.stages.indexOf(pipeline.steps[j].stage);
                if (other >= 0 && other < stage && !isFinalStep(pipeline.steps[j]))
                    out.append(static_cast<int>(j));
            }
        } else {
            listed.append(static_cast<int>(i));
        }
    }
    // The listed order gives way to what is written: a step waits for the nearest step above it
    // that does not itself wait for it (through `needs`), so the list's order never makes a cycle.
    for (const int i : std::as_const(listed)) {
        for (int j = i - 1; j >= 0; --j) {
            if (isFinalStep(pipeline.steps[j]) || waitsFor(dependencies, j, i))
                continue;
            dependencies[i].append(j);
            break;
        }
    }
    return dependencies;
}

QList<int> findCycle(const QList<QList<int>>& dependencies)
{
    enum class Mark { New, Open, Done };
    QList<Mark> marks(dependencies.size(), Mark::New);
    QList<int> stack;
    QList<int> cycle;
    std::function<bool(int)> visit = [&](int node) {
        marks[node] = Mark::Open;
        stack.append(node);
        for (const int next : dependencies[node]) {
            if (marks[next] == Mark::Open) {
                cycle = stack.mid(stack.indexOf(next));
                cycle.append(next);
                return true;
            }
            if (marks[next] == Mark::New && visit(next))
                return true;
        }
        stack.removeLast();
        marks[node] = Mark::Done;
        return false;
    };
    for (int i = 0; i < dependencies.size(); ++i) {
        if (marks[i] == Mark::New && visit(i))
            return cycle;
    }
    return {};
}

QList<int> ancestors(const QList<QList<int>>& dependencies, int index)
{
    QList<bool> seen(dependencies.size(), false);
    QList<int> pending = dependencies[index];
    QList<int> result;
    while (!pending.isEmpty()) {
        const int next = pending.takeLast();
        if (seen[next])
            continue;
        seen[next] = true;
        result.append(next);
        pending += dependencies[next];
    }
    return result;
}

} // namespace launchdeck
