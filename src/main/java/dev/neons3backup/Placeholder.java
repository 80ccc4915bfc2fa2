package dev.neons3backup;

final class Placeholder {}
