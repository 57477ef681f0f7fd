from legacy_import.tests.legacy_dump import main

main()
