# The C runtime (runtime/): libcopier (the engine) and libcopier_san (the
# engine plus CopierSanitizer's runtime), each static and shared, plus the
# public header. Built with clang-19 and never instrumented.
RT_OBJ      := $(BUILD)/obj/runtime
RT_CFLAGS   := -O2 -g -fPIC -pthread -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
               -fno-sanitize=all -fno-builtin-malloc -Iruntime/include -Iruntime
ENGINE_SRCS := $(wildcard runtime/engine/*.c)
SAN_SRCS    := $(wildcard runtime/sanitizer/*.c)
ENGINE_OBJS := $(patsubst runtime/%.c,$(RT_OBJ)/%.o,$(ENGINE_SRCS))
SAN_OBJS    := $(patsubst runtime/%.c,$(RT_OBJ)/%.o,$(SAN_SRCS))
RT_HEADERS  := $(wildcard runtime/include/*.h runtime/engine/*.h runtime/sanitizer/*.h)

RT_LIBS := $(BUILD)/lib/libcopier.a $(BUILD)/lib/libcopier.so \
           $(BUILD)/lib/libcopier_san.a $(BUILD)/lib/libcopier_san.so
BUILD_PARTS += $(BUILD)/include/copier.h $(RT_LIBS)

$(BUILD)/include/copier.h: runtime/include/copier.h
	@mkdir -p $(dir $@)
	cp $< $@

$(RT_OBJ)/%.o: runtime/%.c $(RT_HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG19) $(RT_CFLAGS) -c $< -o $@

$(BUILD)/lib/libcopier.a: $(ENGINE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(LLVM_BINDIR)/llvm-ar rcs $@ $^
$(BUILD)/lib/libcopier.so: $(ENGINE_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG19) -shared -pthread -Wl,-soname,libcopier.so -o $@ $^
$(BUILD)/lib/libcopier_san.a: $(ENGINE_OBJS) $(SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(LLVM_BINDIR)/llvm-ar rcs $@ $^
$(BUILD)/lib/libcopier_san.so: $(ENGINE_OBJS) $(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG19) -shared -pthread -Wl,-soname,libcopier_san.so -o $@ $^ -ldl
