// copier-cc / copier-c++: clang-19 plus Copier. All logic lives in CopierDriver.
import CopierDriver
CopierDriver.main()
