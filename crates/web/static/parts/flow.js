// flow
