# Writes the test models: random weights, real tokenizers (fast: under a second).
file(MAKE_DIRECTORY "${OUT_DIR}")
function(make_model preset file)
  execute_process(COMMAND "${MAKE_TEST_MODEL}" --preset ${preset} --out "${OUT_DIR}/${file}" ${ARGN}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "make_test_model failed for ${file}")
  endif()
endfunction()
make_model(tiny-chat tiny-chat.gguf)
make_model(tiny-embed tiny-embed.gguf)
make_model(tiny-embed tiny-embed-cls.gguf --pooling cls)
# tiny-chat with tool-capable templates (found under llama.cpp's models/):
# Qwen2.5's (tools) and Qwen3's (tools and thinking).
make_model(tiny-chat tiny-tools.gguf --chat-template templates/Qwen-Qwen2.5-7B-Instruct.jinja)
make_model(tiny-chat tiny-think.gguf --chat-template templates/Qwen-Qwen3-0.6B.jinja)
# For create: an F16 and a Q8_0 tiny-chat (quantize from / refuse), and a
# LoRA adapter that fits tiny-chat.
make_model(tiny-chat tiny-chat-f16.gguf --type f16)
make_model(tiny-chat tiny-chat-q8.gguf --type q8_0)
make_model(tiny-chat-lora tiny-chat-lora.gguf)
