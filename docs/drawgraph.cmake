# cmake -DDOT=<dot> -DTRED=<tred> -DINPUT=<targets.dot> -DOUTPUT=<picture.svg> -P drawgraph.cmake
# Drops the edges a longer path already implies (everything reaches launchdeck_core), so the
# picture shows the layers, then draws it bottom-up.
execute_process(COMMAND ${TRED} ${INPUT} OUTPUT_FILE ${INPUT}.reduced RESULT_VARIABLE reduced)
if(NOT reduced EQUAL 0)
    message(FATAL_ERROR "tred could not reduce ${INPUT}")
endif()
execute_process(COMMAND ${DOT} -Tsvg -Grankdir=BT -o ${OUTPUT} ${INPUT}.reduced
                RESULT_VARIABLE drawn)
if(NOT drawn EQUAL 0)
    message(FATAL_ERROR "dot could not draw ${INPUT}")
endif()
