// The http_check and load_test step kinds on the libcurl engines of services/http.
#pragma once

#include "pipeline/stepengines.h"

namespace launchdeck {

class HttpStepEngines final : public StepEngines
{
public:
    BuiltinOutcome httpCheck(const HttpCheckStep& step, BuiltinChannel& channel) const override;
    BuiltinOutcome loadTest(const LoadTestStep& step, BuiltinChannel& channel) const override;
};

} // namespace launchdeck
