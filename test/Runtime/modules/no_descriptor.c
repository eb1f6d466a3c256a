/* A well-formed shared library that is not an attnc module. */
int attnc_test_not_a_module(void) { return 42; }
