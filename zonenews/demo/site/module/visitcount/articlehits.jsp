document.write('153');
