import CopierDriver
print(CopierDriver.version)
