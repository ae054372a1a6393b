/* SPDX-License-Identifier: MIT */
/*
 * Registered to run after every other test (tests/CMakeLists.txt: DEPENDS
 * on all of them, RUN_SERIAL): the suite has left /dev/null a character
 * device. A command once replaced it with a regular file when given
 * an output option naming /dev/null, as root (issue 13); no test may write under /dev.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

static void test_dev_null_is_a_device(void **state)
{
    (void)state;
    struct stat sb;
    assert_int_equal(lstat("/dev/null", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dev_null_is_a_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
