// The http_check and load_test step kinds on the libcurl engines of services/http: the engines a
// runner has when it is given none.
#pragma once

#include "pipeline/stepengines.h"

namespace launchdeck {

class HttpStepEngines : public StepEngines
{
public:
    BuiltinOutcome httpCheck(const HttpCheckStep& step, BuiltinChannel& channel) const override;
    BuiltinOutcome loadTest(const LoadTestStep& step, BuiltinChannel& channel) const override;
    // The validation engine lives above the pipeline (it reads pipeline files itself): without
    // it a validate step fails, saying why. ValidatingStepEngines adds it.
    BuiltinOutcome validate(const ValidateStep& step, const QString& workspace,
                            BuiltinChannel& channel) const override;
};

} // namespace launchdeck
