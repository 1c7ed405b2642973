// The step engines of a pipeline runner that can validate: the HTTP kinds of services/pipeline,
// and the validate step on the workspace validation. Everything that builds a runner for the
// workspace's pipelines gives it these.
#pragma once

#include "pipeline/httpstepengines.h"

namespace launchdeck {

class ValidatingStepEngines final : public HttpStepEngines
{
public:
    BuiltinOutcome validate(const ValidateStep& step, const QString& workspace,
                            BuiltinChannel& channel) const override;
};

} // namespace launchdeck
