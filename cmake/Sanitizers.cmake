# Sanitizer and coverage instrumentation for a whole build tree. Meant for a separate tree (the
# fuzz build): every target compiled after this point, launchdeck_services included, gets it.
set(LAUNCHDECK_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers for every target, e.g. address,undefined; empty for none")

if(LAUNCHDECK_SANITIZE)
    add_compile_options(-fsanitize=${LAUNCHDECK_SANITIZE} -fno-sanitize-recover=all
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=${LAUNCHDECK_SANITIZE})
endif()

if(LAUNCHDECK_BUILD_FUZZERS)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "LAUNCHDECK_BUILD_FUZZERS needs clang (libFuzzer), e.g. CXX=clang++-14")
    endif()
    # Coverage feedback for libFuzzer in the libraries; the fuzz programs add the fuzzer runtime.
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
