# Build flags for llama-cpp-python, read by CMake through CMAKE_PROJECT_INCLUDE (README quick start,
# .ci/run). llama.cpp's AMX kernels crash with a segmentation fault on the first decode of the
# Q4_K_M weights on some Sapphire Rapids virtual machines (ggml-org/llama.cpp#20824; seen on this
# project's CI machine): a native build would compile them in wherever the CPU has AMX, so they are
# left out. The other native code paths (AVX-512, VNNI, the CPU repack of the weights) stay.
include_guard(GLOBAL)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT MSVC)
    foreach(flag -mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
        string(APPEND CMAKE_C_FLAGS " ${flag}")
        string(APPEND CMAKE_CXX_FLAGS " ${flag}")
    endforeach()
endif()
