# deps: the Debian packages the build and the tests need. Installs the missing
# ones with apt-get when run as root; otherwise prints the exact command.
DEBIAN_DEPS := clang-19 llvm-19-dev llvm-19-tools libclang-19-dev lld-19 \
               libclang-rt-19-dev cmake ninja-build python3 dpkg-dev valgrind

.PHONY: deps deps-check
deps deps-check:
	@missing=$$(for p in $(DEBIAN_DEPS) $(EXTRA_DEBIAN_DEPS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || \
	      { echo "deps: apt-get install failed for: $$missing" >&2; exit 1; }; \
	  else \
	    echo "deps: missing Debian packages; run: sudo apt-get install -y $$missing" >&2; exit 1; \
	  fi; \
	fi
